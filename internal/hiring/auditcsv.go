package hiring

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// MaxAuditExport bounds one CSV export of the audit log: the newest
// events up to it.
const MaxAuditExport = 100_000

// auditCSVHeader are the columns of the audit log's CSV export.
var auditCSVHeader = []string{"Time (UTC)", "Actor type", "Actor ID", "Actor", "Action", "What", "Target type", "Target ID", "Details"}

// WriteAuditCSV writes the actor's organisation's audit log as CSV,
// newest first, of f.Actions only when set (the cursor and limit of f are
// ignored), and audits "audit.exported". Owners only. Every cell is safe
// to open in a spreadsheet (csvCell).
func (s *Service) WriteAuditCSV(ctx context.Context, a Actor, f interview.AuditFilter, w io.Writer) error {
	if err := canManage(a); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(auditCSVHeader); err != nil {
		return err
	}
	n, names := 0, s.auditNames(a)
	f = interview.AuditFilter{Actions: f.Actions, Limit: store.MaxAuditList}
	for n < MaxAuditExport {
		events, err := s.db(a).ListAuditPage(ctx, a.TenantID, f)
		if err != nil {
			return wrap("export audit log", err)
		}
		for _, e := range events[:min(len(events), MaxAuditExport-n)] {
			if err := cw.Write(auditCSVRow(names.entry(ctx, e))); err != nil {
				return err
			}
			n++
		}
		if len(events) < f.Limit {
			break
		}
		last := events[len(events)-1]
		f.Before, f.BeforeID = last.CreatedAt, last.ID
	}
	if names.err != nil {
		return names.err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	s.audit(ctx, a, "audit.exported", "tenant", a.TenantID,
		map[string]string{"actions": strings.Join(f.Actions, ","), "rows": strconv.Itoa(n)})
	return nil
}

func auditCSVRow(e AuditEntry) []string {
	return csvCells([]string{e.CreatedAt.UTC().Format(time.RFC3339Nano), e.ActorType, e.ActorID, e.Actor,
		e.Action, e.What, e.TargetType, e.TargetID, strings.Join(e.Details(), "; ")})
}
