"""RENDER (pure): a `Plan` or an `ApplyReport` -> text, JSON or Markdown."""
