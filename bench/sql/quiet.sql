-- No progress bar on the terminal while a slow view is timed.
SET enable_progress_bar = false;
