"""Reporting: the indicator catalogue and bilans arrive with the reporting issue."""
