"""Nagorik Sheba's API and workers: wiring only (routes live in chalicelib/api and workers)."""

from chalice import Chalice

from chalicelib.api.applications import application_routes
from chalicelib.api.auth import auth_routes
from chalicelib.api.authorizer import authorizer_routes
from chalicelib.api.callbacks import callback_routes
from chalicelib.api.catalog import catalog_routes
from chalicelib.api.centres import centre_routes
from chalicelib.api.cors import add_preflight_routes
from chalicelib.api.desk import desk_routes
from chalicelib.api.middleware import http_context, worker_context
from chalicelib.api.openapi import openapi_routes
from chalicelib.api.receipts import receipt_routes
from chalicelib.api.stats import stats_routes
from chalicelib.workers.dispatch import worker_routes
from chalicelib.workers.notifications import notification_routes
from chalicelib.workers.outbox import outbox_routes
from chalicelib.workers.sla import sla_routes
from chalicelib.workers.stats import stats_job_routes

# Powertools writes the logs; Chalice's own handler would print every line twice.
app = Chalice(app_name="nagorik", configure_logs=False)

app.register_middleware(http_context(app), "http")
app.register_middleware(worker_context, "sqs")
app.register_middleware(worker_context, "scheduled")
app.register_middleware(worker_context, "dynamodb")
app.register_blueprint(authorizer_routes)
app.register_blueprint(auth_routes)
app.register_blueprint(catalog_routes)
app.register_blueprint(application_routes)
app.register_blueprint(callback_routes)
app.register_blueprint(desk_routes)
app.register_blueprint(centre_routes)
app.register_blueprint(receipt_routes)
app.register_blueprint(openapi_routes)
app.register_blueprint(stats_routes)
app.register_blueprint(worker_routes)
app.register_blueprint(outbox_routes)
app.register_blueprint(notification_routes)
app.register_blueprint(sla_routes)
app.register_blueprint(stats_job_routes)
add_preflight_routes(app)  # last: one beside every route
