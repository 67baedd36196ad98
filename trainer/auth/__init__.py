from trainer.auth.views import bp

__all__ = ["bp"]
