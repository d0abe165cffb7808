"""notify_hook callbacks: the parts with no database in them.

How a callback flows:

1. submit: :func:`check_hook_url_async` refuses URLs Chorus must not call (400 naming
   ``notify_hook``);
2. every status change of a task with a hook bumps the task's version and stores one
   delivery (message id, version, the task as the fetch route shows it in the key's
   dialect, encoded once with :func:`encode_body`) in the same transaction;
3. a delivery loop picks due deliveries, applies :func:`chorus.webhooks.ordering.plan`
   per task, signs with the key's secret (:func:`sign`, fresh timestamp per attempt, same
   message id), sends with :func:`deliver` through :func:`make_hook_client` (which checks
   the connected address again, against DNS rebinding), records the attempt, and on
   failure asks :class:`RetryPolicy` when to try again, or gives up.

Because deliveries are rows with a next-attempt time, retries survive restarts:
at-least-once delivery, receivers drop duplicates by ``webhook-id``.
"""

from chorus.webhooks.attempt import AttemptResult, DeliveryJob, attempt
from chorus.webhooks.ordering import STATUS_RANK, Pending, SendPlan, plan, should_send
from chorus.webhooks.retry import RetryPolicy
from chorus.webhooks.sender import DeliveryOutcome, deliver, encode_body
from chorus.webhooks.signing import (
    WebhookSignatureError,
    generate_secret,
    sign,
    verify,
)
from chorus.webhooks.transport import make_hook_client
from chorus.webhooks.urlguard import (
    BlockedAddress,
    InvalidHookURL,
    check_hook_url,
    check_hook_url_async,
    is_public_address,
)

__all__ = [
    "STATUS_RANK",
    "AttemptResult",
    "BlockedAddress",
    "DeliveryJob",
    "DeliveryOutcome",
    "InvalidHookURL",
    "Pending",
    "RetryPolicy",
    "SendPlan",
    "WebhookSignatureError",
    "attempt",
    "check_hook_url",
    "check_hook_url_async",
    "deliver",
    "encode_body",
    "generate_secret",
    "is_public_address",
    "make_hook_client",
    "plan",
    "should_send",
    "sign",
    "verify",
]
