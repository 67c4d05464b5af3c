from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "soma.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.admin.models import LogEntry
        from django.contrib.auth import get_user_model
        from django.contrib.auth import signals as auth_signals
        from django.core import signals as request_signals
        from django.db.models import signals as model_signals

        from soma.accounts import audit, history, tokens

        request_signals.request_started.connect(audit.request_started, dispatch_uid="soma_audit_request_started")
        request_signals.request_finished.connect(audit.request_finished, dispatch_uid="soma_audit_request_finished")
        auth_signals.user_logged_in.connect(audit.signed_in, dispatch_uid="soma_audit_sign_in")
        auth_signals.user_login_failed.connect(audit.sign_in_failed, dispatch_uid="soma_audit_sign_in_failed")
        auth_signals.user_logged_out.connect(audit.signed_out, dispatch_uid="soma_audit_sign_out")
        user = get_user_model()
        model_signals.pre_save.connect(audit.user_before_save, sender=user, dispatch_uid="soma_audit_user_pre")
        model_signals.post_save.connect(audit.user_saved, sender=user, dispatch_uid="soma_audit_user_post")
        model_signals.post_save.connect(tokens.revoke_on_password_change, sender=user,
                                        dispatch_uid="soma_revoke_tokens_on_password_change")
        model_signals.post_delete.connect(audit.user_deleted, sender=user, dispatch_uid="soma_audit_user_deleted")
        model_signals.post_save.connect(audit.admin_logged, sender=LogEntry, dispatch_uid="soma_audit_admin")
        # A lazy reference: accounts does not import the apps above it.
        model_signals.pre_delete.connect(history.assessment_deleting, sender="assessments.Assessment",
                                         dispatch_uid="soma_history_purge")
