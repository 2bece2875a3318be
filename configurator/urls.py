from django.urls import path

from configurator import draft_views, listing_views, views

app_name = "configurator"

urlpatterns = [
    path("", listing_views.product_list, name="product_list"),
    path("p/<slug:code>/", views.configure, name="configure"),
    path("p/<slug:code>/save", views.save, name="save"),
    path("p/<slug:code>/draft/", draft_views.draft, name="draft"),
    path("p/<slug:code>/draft/why/<str:group>/<str:option>/", draft_views.draft_why, name="draft_why"),
    path("c/<str:code>/", views.saved, name="saved"),
]
