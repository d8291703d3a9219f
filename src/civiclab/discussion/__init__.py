"""Comments, replies, follows, reports and the moderation queue over any registered model."""
