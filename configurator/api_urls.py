from django.urls import path

from configurator import api

urlpatterns = [
    path("products/", api.ProductListView.as_view(), name="api-products"),
    path("products/<str:code>", api.ProductDetailView.as_view(), name="api-product"),
    path("products/<str:code>/configure", api.ConfigureView.as_view(), name="api-configure"),
    path("products/<str:code>/complete", api.CompleteView.as_view(), name="api-complete"),
    path("products/<str:code>/resolve", api.ResolveView.as_view(), name="api-resolve"),
    path("products/<str:code>/explain", api.ExplainView.as_view(), name="api-explain"),
]
