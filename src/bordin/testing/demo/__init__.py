"""The synthetic demo practice, split by concern (see ``bordin.testing.demo_practice``)."""
