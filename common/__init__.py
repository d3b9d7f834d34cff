"""What every app may use and none owns: the clock, private downloads, the client's address, role
decorators, the read-only admin, PDF/QR/money helpers. It imports no app of the portal (only Django and
libraries), so it sits below all of them."""
