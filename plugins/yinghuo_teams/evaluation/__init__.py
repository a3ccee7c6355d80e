"""Quarterly evaluation, the annual selection and certificates of honour."""
