"""Quality against references, beside baselines computed in the same run."""
