"""Topic classification: the 7 YNAT news topics of any Korean news text, from a packaged linear model.

features.py extracts the model's n-gram features in plain Python, packed.py counts the same n-grams as
integer codes with numpy (the path the model takes where it can), and model.py loads the packaged model
and predicts. Training lives in scripts/train_topics.py. See docs/topics.md.
"""

from prism.nlp.topics.features import LEAD_CHARS, lead, normalize
from prism.nlp.topics.model import (
    FORMAT_VERSION,
    HOLDOUT_FRACTION,
    MODEL_NAME,
    SPLIT_SEED,
    TOPICS,
    TopicModel,
    TopicPrediction,
    holdout_split,
    load_model,
    predict,
    predict_articles,
    predict_many,
)

__all__ = [
    "FORMAT_VERSION",
    "HOLDOUT_FRACTION",
    "LEAD_CHARS",
    "MODEL_NAME",
    "SPLIT_SEED",
    "TOPICS",
    "TopicModel",
    "TopicPrediction",
    "holdout_split",
    "lead",
    "load_model",
    "normalize",
    "predict",
    "predict_articles",
    "predict_many",
]
