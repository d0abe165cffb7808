"""Admin routes: ``/admin/tasks`` (list with filters, inspect, cancel with refund),
``/admin/ledger`` and ``/admin/deliveries`` (list, inspect, redeliver). All need the
admin key; lists answer a JSON array, newest first, with the number of matches in
``X-Total-Count``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from chorus.admin import service
from chorus.admin.schemas import (
    AdminTask,
    AdminTaskDetails,
    DeliveryInfo,
    DeliveryQuery,
    LedgerEntry,
    LedgerQuery,
    TaskQuery,
)
from chorus.keys.dependencies import AdminKey
from chorus.state import app_state

router = APIRouter(prefix="/admin", tags=["admin"])
TOTAL = "X-Total-Count"


@router.get("/tasks", response_model=list[AdminTask])
async def list_tasks(
    params: Annotated[TaskQuery, Query()], request: Request, response: Response, _admin: AdminKey
) -> list[AdminTask]:
    """Tasks by key, status, action, channel, upstream task id and submit time."""
    found, total = await app_state(request).db.run(service.list_tasks, params)
    response.headers[TOTAL] = str(total)
    return found


@router.get("/tasks/{task_id}", response_model=AdminTaskDetails)
async def inspect_task(task_id: str, request: Request, _admin: AdminKey) -> AdminTaskDetails:
    """One task in full: clips, attempts, fail reason, channel and upstream id, its
    charge and refund, its callbacks and their attempts."""
    return await app_state(request).db.run(service.inspect_task, task_id)


@router.post("/tasks/{task_id}/cancel", response_model=AdminTaskDetails)
async def cancel_task(task_id: str, request: Request, _admin: AdminKey) -> AdminTaskDetails:
    """Fail an unfinished task with the reason "cancelled by the admin", refund it and stop
    its render; 409 ``task_finished`` when it already finished."""
    state = app_state(request)
    try:
        answer = await state.db.run(service.cancel_task, task_id)
    finally:
        state.tasks.invalidate(task_id)
    if state.worker is not None:
        state.worker.cancel(task_id)
    return answer


@router.get("/ledger", response_model=list[LedgerEntry])
async def list_ledger(
    params: Annotated[LedgerQuery, Query()],
    request: Request,
    response: Response,
    _admin: AdminKey,
) -> list[LedgerEntry]:
    """Every change of every balance (grant, charge, refund, adjust)."""
    found, total = await app_state(request).db.run(service.list_ledger, params)
    response.headers[TOTAL] = str(total)
    return found


@router.get("/deliveries", response_model=list[DeliveryInfo])
async def list_deliveries(
    params: Annotated[DeliveryQuery, Query()],
    request: Request,
    response: Response,
    _admin: AdminKey,
) -> list[DeliveryInfo]:
    """Callback deliveries with their state, attempts and last outcome."""
    found, total = await app_state(request).db.run(service.list_deliveries, params)
    response.headers[TOTAL] = str(total)
    return found


@router.get("/deliveries/{delivery_id}", response_model=DeliveryInfo)
async def get_delivery(delivery_id: str, request: Request, _admin: AdminKey) -> DeliveryInfo:
    """One delivery with every attempt."""
    return await app_state(request).db.run(service.get_delivery, delivery_id)


@router.post("/deliveries/{delivery_id}/redeliver", response_model=DeliveryInfo)
async def redeliver(delivery_id: str, request: Request, _admin: AdminKey) -> DeliveryInfo:
    """Send the delivery again now (same ``webhook-id``), with a fresh retry window."""
    state = app_state(request)
    answer = await state.db.run(service.redeliver, delivery_id)
    if state.deliveries is not None:
        state.deliveries.wake()
    return answer
