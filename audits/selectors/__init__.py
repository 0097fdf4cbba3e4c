"""Reads of audits: querysets, rankings, comparisons and exports. They write nothing and
import no service, view or task."""
