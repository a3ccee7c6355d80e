"""Reports: weekly summaries, monthly briefs and case studies, their files, deadlines and review."""
