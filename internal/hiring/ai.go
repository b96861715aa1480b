package hiring

// AI says whether AI assessment (and "Suggest questions") is on, for the
// pages that offer what needs a model.
func (s *Service) AI() AssessmentConfig { return s.ai }
