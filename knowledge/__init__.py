"""Knowledge base of service-public.fr fiches (a service, sibling of drafting, redaction and
storage). Placeholder: the package is being written on its own branch."""
