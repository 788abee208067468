"""Referrals: a person sent by one organisation to a partner or to a public health structure;
the receiving partner accepts or declines, then the outcome is recorded."""
