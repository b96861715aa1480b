package mail_test

import (
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/testenv"
)

// Two instances' workers on one PostgreSQL database share the outbox:
// every message is delivered once.
func TestTwoWorkersOneDelivery(t *testing.T) {
	url, _ := testenv.PostgresDB(t)
	a, b := openPostgres(t, url), openPostgres(t, url)
	w := newWorld(t, a)
	srv := startSMTP(t, serverOptions{})
	wa, wb := w.worker(a, srv.server(false, nil, "", "")), w.worker(b, srv.server(false, nil, "", ""))
	const n = 12
	for range n {
		w.invite(t, wa)
	}
	var wg sync.WaitGroup
	attempts := make([]int, 2)
	for i, wk := range []func() (int, error){
		func() (int, error) { return wa.SendDue(t.Context()) },
		func() (int, error) { return wb.SendDue(t.Context()) },
	} {
		wg.Go(func() {
			k, err := wk()
			if err != nil {
				t.Error(err)
			}
			attempts[i] = k
		})
	}
	wg.Wait()
	if got := len(srv.messages()); got != n || attempts[0]+attempts[1] != n {
		t.Errorf("delivered %d messages in %v attempts, want %d in %d", got, attempts, n, n)
	}
	t.Logf("attempts per worker: %v", attempts)
	for _, m := range w.timeline(t) {
		if m.Status != store.MailSent || m.Attempts != 1 {
			t.Errorf("message %s: %s after %d attempts, want sent after 1", m.ID, m.Status, m.Attempts)
		}
	}
}

// One reminder goes out before the link expires, once, and none for an
// interview that ended.
func TestReminder(t *testing.T) {
	for _, sc := range stores {
		t.Run(sc.name, func(t *testing.T) {
			w := newWorld(t, sc.open(t))
			srv := startSMTP(t, serverOptions{})
			wk := w.worker(w.st, srv.server(false, nil, "", ""))
			w.invite(t, wk)
			_, err := wk.SendDue(t.Context())
			must(t, err)
			// The link lasts 14 days; the reminder is due 24 h before.
			w.clock.Add(w.iv.JoinExpiresAt.Sub(w.clock.Now()) - 23*time.Hour)
			for range 2 {
				_, err = wk.SendDue(t.Context())
				must(t, err)
			}
			got := srv.messages()
			if len(got) != 2 {
				t.Fatalf("delivered %d messages, want the invitation and one reminder", len(got))
			}
			p := parse(t, got[1].Data)
			if want := "Reminder: Your interview for Backend engineer at " + w.tenant.Name; p.subject != want {
				t.Errorf("reminder subject %q, want %q", p.subject, want)
			}
			if len(joinLink.FindAllString(p.text, -1)) != 1 {
				t.Errorf("the reminder lacks the link:\n%s", p.text)
			}
			tl := w.timeline(t)
			if len(tl) != 2 || tl[1].Kind != store.MailReminder || tl[1].Status != store.MailSent {
				t.Errorf("timeline %+v, want the invitation and the reminder, sent", tl)
			}
		})
	}
}

// A message whose interview ended before it went out fails with the
// reason, and nothing is sent.
func TestEndedInterviewNotSent(t *testing.T) {
	w := newWorld(t, stores[0].open(t))
	srv := startSMTP(t, serverOptions{})
	wk := w.worker(w.st, srv.server(false, nil, "", ""))
	w.invite(t, wk)
	_, err := w.st.TransitionSession(t.Context(), w.tenant.ID, w.iv.ID, interview.StatusAbandoned, "test", w.clock.Now())
	must(t, err)
	_, err = wk.SendDue(t.Context())
	must(t, err)
	tl := w.timeline(t)
	if len(srv.messages()) != 0 || tl[0].Status != store.MailFailed || tl[0].LastError != "the interview has ended" {
		t.Errorf("timeline %+v, want failed: the interview has ended", tl[0])
	}
}
