package interview

import "fmt"

// SignUpPolicy says who may create an organisation by signing up (SIGNUP).
type SignUpPolicy string

// The sign-up policies. Invitations and the admin CLI work under all three.
const (
	// SignUpFirst lets only the first account on an empty instance sign up.
	SignUpFirst SignUpPolicy = "first"
	// SignUpOpen lets anyone sign up.
	SignUpOpen SignUpPolicy = "open"
	// SignUpClosed lets no one sign up.
	SignUpClosed SignUpPolicy = "closed"
)

// ParseSignUpPolicy reads a SIGNUP value; empty is SignUpFirst.
func ParseSignUpPolicy(v string) (SignUpPolicy, error) {
	switch p := SignUpPolicy(v); p {
	case "":
		return SignUpFirst, nil
	case SignUpFirst, SignUpOpen, SignUpClosed:
		return p, nil
	}
	return "", fmt.Errorf("%q is not first, open or closed", v)
}
