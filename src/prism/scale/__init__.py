"""Work beyond one process: executors that map the pipeline's stage functions over shards."""
