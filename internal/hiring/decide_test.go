package hiring

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

func TestDefaultRubric(t *testing.T) {
	tests := []struct {
		name      string
		questions []string
		names     []string
		links     [][]string
	}{
		{"no questions", nil, []string{"Communication", "Role knowledge"}, [][]string{}},
		{"a few", []string{"Tell me about yourself.", "Describe a production incident you handled in the last two years."},
			[]string{"Question 1: Tell me about yourself.", "Question 2: Describe a production incident you handled…", "Communication"},
			[][]string{{"communication", "question-1-tell-me-about-yourself"}, {"communication", "question-2-describe-a-production-inciden"}}},
		{"many", slices.Repeat([]string{"Why?"}, 9), []string{"Role knowledge", "Problem solving", "Communication"},
			slices.Repeat([][]string{{"communication", "problem-solving", "role-knowledge"}}, 9)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := DefaultRubric(tt.questions)
			if err := r.Validate(); err != nil {
				t.Fatalf("default rubric invalid: %v", err)
			}
			var names []string
			for _, c := range r.Competencies {
				names = append(names, c.Name)
				if c.Weight != interview.DefaultWeight || c.Description == "" || c.Anchor1 == "" || c.Anchor3 == "" || c.Anchor5 == "" {
					t.Errorf("competency %+v lacks a weight, description or anchor", c)
				}
			}
			if !slices.Equal(names, tt.names) {
				t.Errorf("names %q, want %q", names, tt.names)
			}
			if len(r.QuestionLinks) != len(tt.links) {
				t.Fatalf("links %v, want %v", r.QuestionLinks, tt.links)
			}
			for i := range tt.links {
				if !slices.Equal(r.QuestionLinks[i], tt.links[i]) {
					t.Errorf("question %d links %v, want %v", i+1, r.QuestionLinks[i], tt.links[i])
				}
			}
			if !r.Derived {
				t.Error("a default rubric is Derived")
			}
		})
	}
	long := DefaultRubric([]string{strings.Repeat("Supercalifragilistic", 10)})
	if n := len([]rune(long.Competencies[0].Name)); n > maxNameRunes || long.Validate() != nil {
		t.Errorf("a question of one long word makes a name of %d runes: %v", n, long.Validate())
	}
}

func TestRubricVersions(t *testing.T) {
	onBothStores(t, AssessmentConfig{}, func(t *testing.T, f *decideFixture) {
		ctx := context.Background()
		r, err := f.svc.Rubric(ctx, f.viewer, f.position.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Version != 1 || !r.Derived || r.CreatedBy != "" || len(r.QuestionLinks) != 3 {
			t.Fatalf("a new position's rubric: version %d derived %v by %q links %v", r.Version, r.Derived, r.CreatedBy, r.QuestionLinks)
		}
		written := interview.Rubric{Competencies: []interview.Competency{
			{Name: "System design", Weight: 3, Anchor5: "Designs for failure"}, {Name: "Go"}},
			QuestionLinks: [][]string{{"go"}, {"system-design"}}}
		if _, err := f.svc.SaveRubric(ctx, f.viewer, f.position.ID, written); interview.ErrorCode(err) != interview.CodeForbidden {
			t.Fatalf("a viewer saved a rubric: %v", err)
		}
		v2, err := f.svc.SaveRubric(ctx, f.recruiter, f.position.ID, written)
		if err != nil {
			t.Fatal(err)
		}
		if v2.Version != 2 || v2.Derived || v2.CreatedBy != f.recruiter.ID || len(v2.QuestionLinks) != 3 || v2.Competencies[1].Weight != 1 {
			t.Errorf("saved: %+v", v2)
		}
		again, err := f.svc.SaveRubric(ctx, f.owner, f.position.ID, written)
		if err != nil || again.Version != 2 {
			t.Errorf("the same content again: version %d, %v; want 2", again.Version, err)
		}
		bad := written
		bad.QuestionLinks = [][]string{{"nope"}}
		_, err = f.svc.SaveRubric(ctx, f.owner, f.position.ID, bad)
		wantCode(t, "a link to an unknown competency", err, interview.CodeInvalid)
		if interview.FieldOf(err) != "rubric" {
			t.Errorf("the error belongs to %q, want rubric", interview.FieldOf(err))
		}
		if latest, _ := f.svc.Rubric(ctx, f.owner, f.position.ID); latest.Version != 2 {
			t.Errorf("latest version %d after a refused save, want 2", latest.Version)
		}
	})
}

func TestBlindScoring(t *testing.T) {
	onBothStores(t, AssessmentConfig{Enabled: true, Model: "gpt-test"}, func(t *testing.T, f *decideFixture) {
		ctx := context.Background()
		iv := f.completed(t, "Ada Lovelace")
		ai := f.assessed(t, iv.ID, 4, interview.RecommendYes)

		rv, err := f.svc.Review(ctx, f.recruiter, iv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !rv.CanScore || rv.Revealed || rv.Mine != nil || rv.Scorecards != nil || rv.Assessments != nil {
			t.Errorf("a recruiter before scoring: %+v", rv)
		}
		if rv.Analytics.Answered != 2 || rv.Analytics.TotalQuestions != 3 || rv.Rubric.Version != 1 {
			t.Errorf("analytics %+v rubric v%d", rv.Analytics, rv.Rubric.Version)
		}
		list, err := f.svc.Assessments(ctx, f.recruiter, iv.ID)
		if err != nil || len(list) != 1 || list[0].Result != nil || list[0].Status != interview.AssessmentDone {
			t.Errorf("a blind reviewer's assessments: %+v %v; want one done, without its result", list, err)
		}

		scores := map[string]int{rv.Rubric.Competencies[0].Key: 4, rv.Rubric.Competencies[1].Key: 2}
		_, err = f.svc.SubmitScorecard(ctx, f.owner, iv.ID, ScorecardInput{Scores: map[string]int{"nope": 3}, Recommendation: interview.RecommendYes})
		wantCode(t, "an unknown competency", err, interview.CodeInvalid)
		_, err = f.svc.SubmitScorecard(ctx, f.owner, iv.ID, ScorecardInput{Scores: scores})
		wantCode(t, "no recommendation", err, interview.CodeInvalid)
		own, err := f.svc.SubmitScorecard(ctx, f.owner, iv.ID, ScorecardInput{Scores: scores, Recommendation: interview.RecommendYes, Notes: " Strong. "})
		if err != nil {
			t.Fatal(err)
		}
		if own.Notes != "Strong." || own.RubricVersion != 1 || own.ReviewerEmail != "owner@example.com" {
			t.Errorf("scorecard %+v", own)
		}

		if cards, _ := f.svc.Scorecards(ctx, f.recruiter, iv.ID); len(cards) != 0 {
			t.Errorf("a blind recruiter sees %d scorecards", len(cards))
		}
		rv, err = f.svc.Review(ctx, f.owner, iv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !rv.Revealed || rv.Mine == nil || len(rv.Scorecards) != 1 || len(rv.Assessments) != 1 || rv.Assessments[0].Result == nil ||
			rv.Assessments[0].ID != ai.ID || rv.HumanOverall != 3 {
			t.Errorf("the owner after scoring: %+v", rv)
		}

		// The recruiter chooses to see the results without scoring, and so
		// cannot score after.
		if _, err := f.svc.SubmitScorecard(ctx, f.recruiter, iv.ID, ScorecardInput{Declined: true}); err != nil {
			t.Fatal(err)
		}
		rv, err = f.svc.Review(ctx, f.recruiter, iv.ID)
		if err != nil || !rv.Revealed || len(rv.Scorecards) != 2 || rv.HumanOverall != 3 {
			t.Errorf("the recruiter after declining: %+v %v", rv, err)
		}
		_, err = f.svc.SubmitScorecard(ctx, f.recruiter, iv.ID, ScorecardInput{Scores: scores, Recommendation: interview.RecommendNo})
		wantCode(t, "scoring after declining", err, interview.CodeConflict)

		for _, a := range []Actor{f.viewer, f.key} {
			rv, err := f.svc.Review(ctx, a, iv.ID)
			if err != nil || rv.CanScore || !rv.Revealed || len(rv.Scorecards) != 2 || len(rv.Assessments) != 1 {
				t.Errorf("%s sees %+v %v; want everything, and no scoring", a.Kind, rv, err)
			}
			_, err = f.svc.SubmitScorecard(ctx, a, iv.ID, ScorecardInput{Scores: scores, Recommendation: interview.RecommendYes})
			wantCode(t, a.Kind+" scores", err, interview.CodeForbidden)
		}
	})
}

func TestHiringStatus(t *testing.T) {
	onBothStores(t, AssessmentConfig{}, func(t *testing.T, f *decideFixture) {
		ctx := context.Background()
		iv := f.completed(t, "Grace Hopper")
		if iv.HiringStatus != interview.HiringNew {
			t.Errorf("a new interview's hiring status %q", iv.HiringStatus)
		}
		_, err := f.svc.SetHiringStatus(ctx, f.viewer, iv.ID, interview.HiringShortlisted)
		wantCode(t, "a viewer decides", err, interview.CodeForbidden)
		_, err = f.svc.SetHiringStatus(ctx, f.owner, iv.ID, "hired")
		wantCode(t, "an unknown status", err, interview.CodeInvalid)
		v, err := f.svc.SetHiringStatus(ctx, f.recruiter, iv.ID, interview.HiringShortlisted)
		if err != nil || v.HiringStatus != interview.HiringShortlisted {
			t.Fatalf("shortlist: %v %v", v.HiringStatus, err)
		}
		f.now = f.now.Add(time.Hour)
		if _, err := f.svc.SetHiringStatus(ctx, f.key, iv.ID, interview.HiringAdvanced); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetHiringStatus(ctx, f.key, iv.ID, interview.HiringAdvanced); err != nil {
			t.Fatal(err)
		}
		rv, err := f.svc.Review(ctx, f.viewer, iv.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range rv.Decisions {
			got = append(got, string(d.Status)+" by "+d.ActorName)
		}
		want := []string{"shortlisted by recruiter@example.com", "advanced by API key ATS"}
		if !slices.Equal(got, want) {
			t.Errorf("decisions %q, want %q", got, want)
		}
		events, err := f.st.ListAudit(ctx, f.owner.TenantID, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range events {
			if e.Action == "interview.hiring_status" && e.TargetID == iv.ID {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d interview.hiring_status audit events, want 2 (a repeat changes nothing)", n)
		}
	})
}

func TestRerunAssessment(t *testing.T) {
	t.Run("off", func(t *testing.T) {
		onBothStores(t, AssessmentConfig{}, func(t *testing.T, f *decideFixture) {
			iv := f.completed(t, "Ada Lovelace")
			_, err := f.svc.RerunAssessment(context.Background(), f.owner, iv.ID)
			wantCode(t, "without a model", err, interview.CodeUnavailable)
		})
	})
	onBothStores(t, AssessmentConfig{Enabled: true, Model: "gpt-test"}, func(t *testing.T, f *decideFixture) {
		ctx := context.Background()
		pending, err := f.svc.CreateInterview(ctx, f.owner, f.position.ID, CandidateInput{Name: "Alan Turing", Email: "alan@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.RerunAssessment(ctx, f.owner, pending.ID)
		wantCode(t, "a pending interview", err, interview.CodeTransition)
		iv := f.completed(t, "Ada Lovelace")
		_, err = f.svc.RerunAssessment(ctx, f.viewer, iv.ID)
		wantCode(t, "a viewer", err, interview.CodeForbidden)
		a, err := f.svc.RerunAssessment(ctx, f.key, iv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != interview.AssessmentPending || a.Model != "gpt-test" || a.RequestedBy != f.key.ID || a.ID == "" {
			t.Errorf("re-run %+v", a)
		}
		if !slices.Equal(f.nudged, []string{iv.ID}) {
			t.Errorf("nudged %v, want the interview once", f.nudged)
		}
		_, err = f.svc.RerunAssessment(ctx, f.owner, iv.ID)
		wantCode(t, "while one is pending", err, interview.CodeConflict)
		rv, err := f.svc.Review(ctx, f.recruiter, iv.ID)
		if err != nil || !rv.AssessmentPending || rv.Revealed {
			t.Errorf("a blind reviewer sees pending %v revealed %v (%v); want pending shown", rv.AssessmentPending, rv.Revealed, err)
		}
	})
}

func TestCompare(t *testing.T) {
	onBothStores(t, AssessmentConfig{Enabled: true, Model: "gpt-test"}, func(t *testing.T, f *decideFixture) {
		ctx := context.Background()
		ada := f.completed(t, "Ada Lovelace")
		f.now = f.now.Add(time.Minute)
		grace := f.completed(t, "=HYPERLINK(\"http://evil\")")
		f.now = f.now.Add(time.Minute)
		alan := f.completed(t, "Alan Turing")
		f.assessed(t, ada.ID, 3, interview.RecommendMixed)
		f.assessed(t, grace.ID, 5, interview.RecommendStrongYes)
		r, err := f.svc.Rubric(ctx, f.owner, f.position.ID)
		if err != nil {
			t.Fatal(err)
		}
		key := r.Competencies[0].Key
		if _, err := f.svc.SubmitScorecard(ctx, f.owner, ada.ID, ScorecardInput{Scores: map[string]int{key: 5}, Recommendation: interview.RecommendYes}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetHiringStatus(ctx, f.owner, alan.ID, interview.HiringRejected); err != nil {
			t.Fatal(err)
		}

		c, err := f.svc.Compare(ctx, f.key, f.position.ID, ComparisonFilter{Sort: "ai", Desc: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := rowIDs(c); !slices.Equal(got, []string{grace.ID, ada.ID, alan.ID}) {
			t.Errorf("by AI overall, descending: %v; want grace, ada, then alan (none) last", got)
		}
		if c.Rows[1].HumanOverall != 5 || c.Rows[1].HumanCount != 1 || c.Rows[1].Completion != 2.0/3 || c.Rows[1].Total != 3 {
			t.Errorf("ada's row %+v", c.Rows[1])
		}
		c, err = f.svc.Compare(ctx, f.key, f.position.ID, ComparisonFilter{Sort: "ai"})
		if err != nil || !slices.Equal(rowIDs(c), []string{ada.ID, grace.ID, alan.ID}) {
			t.Errorf("by AI overall, ascending: %v %v", rowIDs(c), err)
		}
		c, err = f.svc.Compare(ctx, f.key, f.position.ID, ComparisonFilter{})
		if err != nil || !slices.Equal(rowIDs(c), []string{alan.ID, grace.ID, ada.ID}) {
			t.Errorf("newest first: %v %v", rowIDs(c), err)
		}
		c, err = f.svc.Compare(ctx, f.key, f.position.ID, ComparisonFilter{HiringStatus: interview.HiringRejected})
		if err != nil || !slices.Equal(rowIDs(c), []string{alan.ID}) {
			t.Errorf("rejected only: %v %v", rowIDs(c), err)
		}
		_, err = f.svc.Compare(ctx, f.key, f.position.ID, ComparisonFilter{Sort: "salary"})
		wantCode(t, "an unknown column", err, interview.CodeInvalid)

		// The recruiter has scored none: every row is blind to them; the
		// owner scored Ada only.
		c, err = f.svc.Compare(ctx, f.recruiter, f.position.ID, ComparisonFilter{Sort: "candidate"})
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range c.Rows {
			if row.Revealed || row.AI != nil || row.HumanAverage != nil {
				t.Errorf("a blind recruiter sees %+v", row)
			}
		}
		c, err = f.svc.Compare(ctx, f.owner, f.position.ID, ComparisonFilter{Sort: "candidate"})
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range c.Rows {
			if row.Revealed != (row.Interview.ID == ada.ID) || (row.AI != nil) != row.Revealed {
				t.Errorf("the owner's row of %s: revealed %v AI %v", row.Interview.CandidateName, row.Revealed, row.AI)
			}
		}

		var buf bytes.Buffer
		if err := WriteComparisonCSV(&buf, c); err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(records) != 4 || !slices.Contains(records[0], "AI overall") || !slices.Contains(records[0], "AI "+r.Competencies[0].Name) {
			t.Fatalf("CSV %q", records)
		}
		for _, rec := range records[1:] {
			if strings.HasPrefix(rec[0], "=") {
				t.Errorf("a cell starts a formula: %q", rec[0])
			}
			if rec[2] != ada.ID && !slices.Contains(rec, hiddenCell) {
				t.Errorf("a row the owner did not score shows its scores: %q", rec)
			}
		}
	})
}

func rowIDs(c Comparison) []string {
	var ids []string
	for _, r := range c.Rows {
		ids = append(ids, r.Interview.ID)
	}
	return ids
}

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\t=1": "'\t=1",
		"Ada": "Ada", "": "", "a\nb": "a b", "\r=1": " =1",
	} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}
