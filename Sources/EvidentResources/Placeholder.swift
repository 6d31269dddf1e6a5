enum ResourcesPlaceholder {}
