"""AWS work and cost of one ticket's life-cycle (issue 7, item 2).

file -> triage -> assign -> update -> postpone -> wake -> resolve -> close, run through the real
code paths in this process: the embedded stack (infra/local/stack.py) with its emulator, its
resources from infra/resources, its Flask app driven with the test client and staff tokens,
and the Lambda handlers called the way the stack's pumps call them (StreamPump -> relay,
QueuePump -> triage / notify / inbound / webhooks, the scheduler's handler for the timers,
with the stack's AdjustableClock moved past the postponement).

Deterministic: the pumps are the stack's own classes, but stepped one at a time in this thread
in a fixed order (stream, triage, notify, inbound, webhooks) until nothing moves, instead of
racing in threads; `EmbeddedStack.settle()` then runs the scheduler until it has nothing to fire
or re-plan. Filing is settled with triage held back, so the acknowledgement and triage are
measured apart (on AWS they run side by side; a race between them costs one more read and
transaction, which this run never shows).

Every request to the emulator is counted at its WSGI app (inside its one-at-a-time lock), by
service and operation (X-Amz-Target, the SigV4 credential scope, the form's Action, SES v2's
path), and labelled with who made it: the caller's botocore adds a header naming the step and
the function (or the pump working as Lambda's event source mapping). Only what AWS bills is
priced; everything else is shown and named.

Capacity units: every DynamoDB request is sent with ReturnConsumedCapacity=TOTAL (added at the
emulator when the caller did not ask). moto answers with constants (GetItem 0.5, PutItem and
Query 1.0, nothing for UpdateItem and TransactWriteItems), whatever the item size and with no
index writes, so the units here are computed from AWS's documented rules, from the items as
the emulator holds them just before and just after each request (see `write_units`,
`read_units`, `index_writes`); moto's answers are printed next to them.

The package, by concern: prices, steps (the life-cycle and its floor), capacity (units by
AWS's rules), observing (what the emulator saw), invocations (Lambda), stack (the stepped
stack and the driven life-cycle), billing (what each request costs and why), summing, tables
(what is printed), benchmark (`run`).
"""

from .benchmark import run

__all__ = ["run"]
