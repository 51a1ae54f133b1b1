"""Documents: the trust's forms, calendar invites, reports and records administration.

- ``layout`` / ``render``: one neutral document model rendered to DOCX (python-docx), PDF (fpdf2
  with DejaVu Sans) and Markdown, so the three formats cannot drift apart.
- ``form``: the Planning & Review Form as Annex 1 lays it out; ``plans``: the Annex 4 Support Plan
  and the Improvement Action Plan with its Review; ``invites``: meeting invitations (ICS).
- ``exports``: the one door (access check + audit) used by ``cadence export`` and the ``export``
  chat command; ``copies``: the reviewee's copy after sign-off (10.2).
- ``governors``: the anonymised annual report to governors with charts (11.3).
- ``overview``: progress of every colleague for headteachers, HR and the executive leader.
- ``retention``: the nightly purge (10.3) and legal holds; ``subject_access``: a colleague's whole
  record in one zip; ``audit_log``: the access log as people read it (10.1).
"""
