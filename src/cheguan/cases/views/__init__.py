"""Case pages, split by audience: the applicant, the window, supervision."""
