"""``docgen serve``: the coordinators' web page over a folder of specs, for one person on their
own computer.

A small ASGI application (Starlette, Jinja2 templates, htmx as one vendored file, one
stylesheet), server-rendered, run by uvicorn on 127.0.0.1. Its modules:

* :mod:`.app`: :func:`~docgen.serve.app.create_app`, which puts the pieces together and mounts
  the routes of every page module present;
* :mod:`.security`: the middleware that refuses a foreign Host header (DNS rebinding), a
  state-changing request without the per-run token (CSRF) and an oversized body;
* :mod:`.files`: a file of the folder from a name in a URL, never outside it nor through a link;
* :mod:`.store`: the folder as the store: specs written atomically, every version kept,
  a revision per file so that a stale page cannot overwrite newer work;
* :mod:`.pages`: rendering a page with the navigation, the token and the flash messages;
* :mod:`.forms`: the schema as a form, and a form's fields back to JSON;
* the page modules, each exporting ``routes``: :mod:`.home_routes`, :mod:`.edit_routes`,
  :mod:`.start_routes` (here), and ``build_routes``, ``review_routes``,
  ``translation_routes`` (the Build, Review and Translations pages) when present.

Starlette, uvicorn and python-multipart are the optional extra ``serve``
(``pip install 'docgen[serve]'``); nothing else of docgen imports this package.
"""

#: What to install when the extra is missing; the CLI shows it as its one line.
INSTALL_HINT = ("docgen serve needs the 'serve' extra: run  pip install 'docgen[serve]'  "
                "(or, in a checkout, make setup)")
