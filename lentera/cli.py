"""`python -m lentera users add|disable|reset|list`, `audit verify` and `photos sweep`."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys

from lentera.store import audit, auth, engine


def _password(args: argparse.Namespace) -> str:
    """The password from stdin (`--password-stdin`) or a hidden prompt typed twice; never argv."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Kata sandi / Password: ")
    if getpass.getpass("Ulangi / Repeat: ") != first:
        raise auth.AuthError("passwords differ")
    return first


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="python -m lentera")
    sub = p.add_subparsers(dest="group", required=True)
    users = sub.add_parser("users", help="officials' accounts").add_subparsers(dest="cmd",
                                                                               required=True)
    add = users.add_parser("add")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=auth.ROLES)
    add.add_argument("--skpd", help="kode_skpd (role opd only)")
    add.add_argument("--password-stdin", action="store_true")
    dis = users.add_parser("disable")
    dis.add_argument("username")
    reset = users.add_parser("reset")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true")
    users.add_parser("list")
    aud = sub.add_parser("audit", help="audit trail").add_subparsers(dest="cmd", required=True)
    aud.add_parser("verify")
    pho = sub.add_parser("photos", help="uploaded photo files").add_subparsers(dest="cmd",
                                                                             required=True)
    sweep = pho.add_parser("sweep", help="finish interrupted renames, delete unreferenced files")
    sweep.add_argument("--older-than-hours", type=float, default=1.0,
                       help="delete only unreferenced files older than this [1]")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; 0 ok, 1 a refused command or a broken audit chain."""
    args = parser().parse_args(argv)
    try:
        if args.group == "audit":
            ok, bad = audit.verify()
            print("audit chain ok" if ok else f"audit chain BROKEN at entry {bad}")
            return 0 if ok else 1
        if args.group == "photos":
            done = engine.sweep_orphan_photos(dt.timedelta(hours=args.older_than_hours))
            print(f"photos: {done['completed']} completed, {done['deleted']} deleted")
            return 0
        if args.cmd == "add":
            user = auth.add_user(args.username, _password(args), args.role, args.skpd)
            print(f"added {user.username} ({user.role})")
        elif args.cmd == "disable":
            auth.disable_user(args.username)
            print(f"disabled {args.username}")
        elif args.cmd == "reset":
            auth.reset_password(args.username, _password(args))
            print(f"password reset for {args.username}")
        elif args.cmd == "list":
            for u in auth.users():
                print(f"{u.username}\t{u.role}\t{u.kode_skpd or ''}")
    except auth.AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
