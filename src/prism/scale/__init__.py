"""Work beyond one process: executors that map the pipeline's stage functions over shards."""

READERS_PER_TASK = 5000  # readers' editions built by one task (prism.scale.editions)
