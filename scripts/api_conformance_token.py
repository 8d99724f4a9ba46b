"""Signs up a member through the hub's own pages and prints an API token with write scope,
so that scripts/api-conformance also tests the operations that need one.

Usage: api_conformance_token.py BASE_URL MAIL_DIR EMAIL PASSWORD STEP
  STEP `register`: registers EMAIL and follows the verification link the hub wrote to MAIL_DIR.
  STEP `token`: signs in and prints a new token (the caller makes the account an admin first,
  so that the token may edit every organisation)."""

import pathlib
import re
import sys
import time

import requests


def csrf(session, base, path):
    page = session.get(base + path, timeout=30)
    page.raise_for_status()
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    if not found:
        sys.exit(f"no CSRF field on {path}")
    return found.group(1)


def post(session, base, form_path, path, fields):
    answer = session.post(base + path, data={**fields, "csrf": csrf(session, base, form_path)}, timeout=30)
    if not answer.ok:
        problems = re.findall(r'role="alert"><p>([^<]+)<', answer.text)
        sys.exit(f"{path} answered {answer.status_code}: {problems or answer.text[:500]}")
    return answer.text


def verification_link(mail_dir, email):
    for _ in range(100):
        for message in sorted(pathlib.Path(mail_dir).glob("*")):
            text = message.read_bytes().decode(errors="replace")
            if text.startswith(f"To: {email}\r\n"):
                found = re.search(r"(/verify\?code=\S+)", text)
                if found:
                    return found.group(1)
        time.sleep(0.1)
    sys.exit(f"no verification mail to {email} in {mail_dir}")


def main():
    base, mail_dir, email, password, step = sys.argv[1:6]
    session = requests.Session()
    if step == "register":
        post(session, base, "/register", "/register", {"display_name": "Conformance", "email": email, "password": password})
        session.get(base + verification_link(mail_dir, email), timeout=30).raise_for_status()
        return
    post(session, base, "/login", "/login", {"email": email, "password": password})
    page = post(session, base, "/account", "/account/tokens", {"name": "conformance", "scope": "write"})
    found = re.search(r'<code class="secret">(lsh_[^<]+)</code>', page)
    if not found:
        sys.exit("the account page showed no new token")
    print(found.group(1))


if __name__ == "__main__":
    main()
