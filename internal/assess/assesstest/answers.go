package assesstest

import "encoding/json"

// CompetencyKeys are the competency keys an assessment request's schema
// enumerates (properties.competencies.items.properties.key.enum).
func (r Request) CompetencyKeys() []string {
	var s struct {
		Properties struct {
			Competencies struct {
				Items struct {
					Properties struct {
						Key struct {
							Enum []string `json:"enum"`
						} `json:"key"`
					} `json:"properties"`
				} `json:"items"`
			} `json:"competencies"`
		} `json:"properties"`
	}
	_ = json.Unmarshal(r.SchemaJSON, &s)
	return s.Properties.Competencies.Items.Properties.Key.Enum
}

// Assessment answers an assessment request well: every competency its
// schema names scored score, each citing quote as line seq.
func Assessment(req Request, score int, seq int64, quote string) Reply {
	cs := []any{}
	for _, k := range req.CompetencyKeys() {
		cs = append(cs, map[string]any{"key": k, "score": score, "rationale": "Scored by assesstest.",
			"evidence": []any{map[string]any{"seq": seq, "quote": quote}}})
	}
	return JSON(map[string]any{"competencies": cs, "summary": "Scored by assesstest.", "strengths": []any{},
		"concerns": []any{}, "follow_ups": []any{}, "recommendation": "mixed"})
}
