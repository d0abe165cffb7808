"""notify_hook deliveries: recorded with each status change, sent by a loop."""
