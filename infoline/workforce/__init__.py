"""Workforce management: forecasting, Erlang staffing, FTE, simulation."""
