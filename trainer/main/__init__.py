"""The home page, health check and pages every visitor may see."""
