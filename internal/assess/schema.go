package assess

import (
	"maps"
	"slices"

	"github.com/interviewd/interviewd/internal/interview"
)

// Schema is the JSON schema of the answer asked for a rubric, in the
// subset that strict structured output accepts: every object closed
// (additionalProperties false) with every property required. The
// competency keys are an enum, and there must be one item per
// competency; that each is there once is checked on parsing.
func Schema(r interview.Rubric) map[string]any {
	keys := make([]any, len(r.Competencies))
	for i, c := range r.Competencies {
		keys[i] = c.Key
	}
	recs := make([]any, len(interview.Recommendations))
	for i, rec := range interview.Recommendations {
		recs[i] = string(rec)
	}
	evidence := object(map[string]any{
		"seq":   map[string]any{"type": "integer", "description": "the number of the Candidate line quoted"},
		"quote": map[string]any{"type": "string", "description": "the candidate's words, exactly as in that line"},
	})
	competency := object(map[string]any{
		"key":       map[string]any{"type": "string", "enum": keys},
		"score":     map[string]any{"type": "integer", "minimum": interview.MinScore, "maximum": interview.MaxScore},
		"rationale": map[string]any{"type": "string"},
		"evidence":  map[string]any{"type": "array", "items": evidence},
	})
	return object(map[string]any{
		"competencies":   map[string]any{"type": "array", "items": competency, "minItems": len(keys), "maxItems": len(keys)},
		"summary":        map[string]any{"type": "string"},
		"strengths":      stringList(),
		"concerns":       stringList(),
		"follow_ups":     stringList(),
		"recommendation": map[string]any{"type": "string", "enum": recs},
	})
}

// object is a closed object schema whose properties are all required.
func object(props map[string]any) map[string]any {
	required := make([]any, 0, len(props))
	for _, k := range slices.Sorted(maps.Keys(props)) {
		required = append(required, k)
	}
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}

func stringList() map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{"type": "string"}}
}
