package templates

// FormError is a form's failure, shown at the top of the form and, when it
// names a field, beside that field.
type FormError struct {
	Message string
	Field   string // the input's name, or "" for the whole form
}

// SignInForm is what the sign-in page shows and keeps on a failed attempt.
type SignInForm struct {
	Email string
	Next  string
	Err   *FormError
}

// SignUpForm is what the sign-up page shows and keeps on a failed attempt.
type SignUpForm struct {
	Organisation string
	Name         string
	Email        string
	Open         bool // sign-up is open on this instance
	Err          *FormError
}

func invalid(e *FormError, field string) bool { return e != nil && e.Field == field }

func ariaInvalid(e *FormError, field string) string {
	if invalid(e, field) {
		return "true"
	}
	return "false"
}
