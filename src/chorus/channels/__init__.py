"""Upstream channels: other providers of this API and Suno accounts, next to (or instead
of) the built-in engine, with routing by model and priority, failover, circuit breakers,
batch polling and media mirroring. :class:`chorus.channels.backend.ChannelBackend` is what
the worker asks where each task goes."""
