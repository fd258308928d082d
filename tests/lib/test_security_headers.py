"""Issue 3 item 3: a content security policy and the usual headers on every page."""

from django.test import Client


def test_login_page_sends_csp_and_frame_denial(db: None) -> None:
    response = Client().get("/account/login/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
