"""The merchandisers' pages for personalisation, one module per feature; importing them registers them."""
