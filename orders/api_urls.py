from django.urls import path

from orders import api

urlpatterns = [
    path("orders", api.OrderCreateView.as_view(), name="api-orders"),
    path("factory/orders", api.FactoryFeedView.as_view(), name="api-factory-orders"),
    path("factory/orders/<uuid:build_order_id>/status", api.FactoryStatusView.as_view(), name="api-factory-status"),
]
