""" "Often chosen with": option pairs counted from orders and saved configurations, offered on the page.

`counting` is the pure arithmetic (support, confidence, lift, and the ranking of
suggestions), `refreshing` the beat task's service that replaces a product's pairs,
`suggesting` what the configurator page shows for the step the shopper is on.
"""
