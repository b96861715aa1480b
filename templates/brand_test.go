package templates

import (
	"strings"
	"testing"
)

func TestBrandSVG(t *testing.T) {
	for _, want := range []string{`<svg `, `aria-hidden="true"`, `focusable="false"`, `width="28" height="28"`} {
		if !strings.Contains(brandSVG, want) {
			t.Errorf("the inline logo lacks %s: %s", want, brandSVG)
		}
	}
	if strings.Contains(brandSVG, `role="img"`) || strings.Contains(brandSVG, "<script") {
		t.Errorf("the inline logo: %s", brandSVG)
	}
}
