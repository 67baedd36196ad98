from trainer.admin.views import bp

__all__ = ["bp"]
