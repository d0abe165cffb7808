"""The rules of credits.

Every change of a balance is a ledger row written in the same transaction as the change
of ``api_keys.credits`` (the cached sum). A submit reserves its action's price with
:func:`reserve` in the transaction that creates the task, so a refused submit leaves no
task and no charge. A task that ends in FAILURE gets the charge back with :func:`refund`:
the ledger's unique (task_id, reason) makes that happen once, whichever worker, cancel
or restart gets there first, and however often it is called. SUCCESS keeps the charge.
"""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from chorus import runtime
from chorus.config import Settings
from chorus.credits import repository
from chorus.credits.models import CreditEntry
from chorus.exceptions import ChorusError, InvalidRequest

# What a submit can be charged for; extend and concat are MUSIC tasks with their own price.
CHARGED_ACTIONS = ("MUSIC", "LYRICS", "extend", "concat")
REASONS = ("grant", "charge", "refund", "adjust")


class QuotaNotEnough(ChorusError):  # noqa: N818  (named for the contract's code)
    """This key does not have enough credits for this request."""

    status_code = 402
    code = "quota_not_enough"


def price(action: str, settings: Settings) -> int:
    """Credits one ``action`` costs (0 when credits are not enforced)."""
    if not settings.credits_enforced:
        return 0
    prices = {
        "MUSIC": settings.price_music,
        "LYRICS": settings.price_lyrics,
        "extend": settings.price_extend,
        "concat": settings.price_concat,
    }
    if action not in prices:
        raise ValueError(f"no price for action {action!r}")
    return prices[action]


def reserve(session: Session, key_id: int, action: str, task_id: str, settings: Settings) -> int:
    """Charge ``action``'s price to the key for ``task_id`` (not committed); returns the
    price. Raises :class:`QuotaNotEnough` (402) when the balance is short, so the
    caller's transaction, task included, rolls back."""
    amount = price(action, settings)
    if amount <= 0:
        return 0
    if not repository.debit_if_enough(session, key_id, amount):
        have = repository.balance(session, key_id)
        raise QuotaNotEnough(
            f"credits: this request costs {amount} credits ({action}) and the key has {have}"
        )
    repository.add(
        session,
        CreditEntry(
            key_id=key_id,
            task_id=task_id,
            delta=-amount,
            balance_after=repository.balance(session, key_id),
            reason="charge",
            note=action,
            created_at=time.time(),
        ),
    )
    runtime.observe(session, lambda metrics: metrics.add_credits_spent(amount))
    return amount


def refund(session: Session, task_id: str, note: str = "") -> int:
    """Give back what ``task_id`` was charged, once: returns the credits given back now
    (0 when the task was free or already refunded)."""
    charge = repository.charge_of(session, task_id)
    if charge is None or charge.delta >= 0:
        return 0
    amount = -charge.delta
    inserted = repository.insert_once(
        session,
        {
            "key_id": charge.key_id,
            "task_id": task_id,
            "delta": amount,
            # Corrected just below, in the same transaction, once the balance moved.
            "balance_after": 0,
            "reason": "refund",
            "note": note[:500],
            "created_at": time.time(),
        },
    )
    if not inserted:
        return 0
    repository.add_to_balance(session, charge.key_id, amount)
    entry = next(e for e in repository.for_task(session, task_id) if e.reason == "refund")
    entry.balance_after = repository.balance(session, charge.key_id)
    runtime.observe(session, lambda metrics: metrics.add_credits_refunded(amount))
    return amount


def grant(session: Session, key_id: int, amount: int, note: str = "starting balance") -> None:
    """A new key's starting balance."""
    if amount == 0:
        return
    repository.add_to_balance(session, key_id, amount)
    repository.add(
        session,
        CreditEntry(
            key_id=key_id,
            task_id=None,
            delta=amount,
            balance_after=repository.balance(session, key_id),
            reason="grant",
            note=note,
            created_at=time.time(),
        ),
    )


def set_balance(session: Session, key_id: int, credits: int, note: str = "") -> int:
    """The admin sets the balance to ``credits``: the difference is an ``adjust`` row.
    Returns the new balance."""
    if credits < 0:
        raise InvalidRequest("credits: must be 0 or more", field="credits")
    current = repository.balance(session, key_id)
    delta = credits - current
    if delta:
        repository.add_to_balance(session, key_id, delta)
        repository.add(
            session,
            CreditEntry(
                key_id=key_id,
                task_id=None,
                delta=delta,
                balance_after=credits,
                reason="adjust",
                note=note or "set by the admin",
                created_at=time.time(),
            ),
        )
    return credits
