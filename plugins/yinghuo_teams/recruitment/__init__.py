"""Recruitment: the public application form, screening, interview slots, acceptance."""
