"""Looking at plans and rendered outputs: summaries, plots, preview sheets, collected labels and exports."""
