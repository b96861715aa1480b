package interview

import (
	"errors"
	"slices"
	"testing"
)

// fieldNames lists the fields of err's problems, in order.
func fieldNames(err error) []string {
	var names []string
	for _, f := range Fields(err) {
		names = append(names, f.Field)
	}
	return names
}

func TestJoinFields(t *testing.T) {
	internal := errors.New("disk on fire")
	cases := []struct {
		name   string
		errs   []error
		fields []string
		msg    string
	}{
		{"none", []error{nil, nil}, nil, ""},
		{"one", []error{nil, FieldErrorf("title", "title is required")}, []string{"title"}, "title is required"},
		{"several, flattened", []error{FieldErrorf("a", "a bad"), JoinFields(FieldErrorf("b", "b bad"), FieldErrorf("c", "c bad"))},
			[]string{"a", "b", "c"}, "a bad; b bad; c bad"},
		{"a problem of the whole input", []error{Errorf(CodeInvalid, "no body"), FieldErrorf("a", "a bad")},
			[]string{"", "a"}, "no body; a bad"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := JoinFields(c.errs...)
			if got := fieldNames(err); !slices.Equal(got, c.fields) {
				t.Errorf("fields %v, want %v", got, c.fields)
			}
			if err == nil {
				return
			}
			if ErrorMessage(err) != c.msg || !errors.Is(err, ErrInvalid) || FieldOf(err) != c.fields[0] {
				t.Errorf("message %q, invalid %v, field %q; want %q, true, %q", ErrorMessage(err), errors.Is(err, ErrInvalid), FieldOf(err), c.msg, c.fields[0])
			}
		})
	}
	if err := JoinFields(FieldErrorf("a", "a bad"), internal); err != internal {
		t.Errorf("an internal error among problems = %v, want it alone", err)
	}
	if got := fieldNames(PrefixFields("candidate.", JoinFields(FieldErrorf("name", "x"), FieldErrorf("email", "y")))); !slices.Equal(got, []string{"candidate.name", "candidate.email"}) {
		t.Errorf("prefixed fields %v", got)
	}
}

// Validate reports every problem of a position at once, each with its
// field.
func TestPositionValidateEveryProblem(t *testing.T) {
	p := Position{Title: "", Language: "!!", MaxMinutes: 0, Questions: []string{"ok", ""}}
	want := []string{"title", "language", "maxMinutes", "questions"}
	if got := fieldNames(p.Validate()); !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	c := Candidate{Name: " ", Email: "nope"}
	if got := fieldNames(c.Validate()); !slices.Equal(got, []string{"name", "email"}) {
		t.Errorf("candidate fields %v", got)
	}
}
