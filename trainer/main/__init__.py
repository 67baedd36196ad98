from trainer.main.views import bp

__all__ = ["bp"]
