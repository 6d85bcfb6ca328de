// The one TanStack Query cache of the signed-in screens (the login page needs none of it).
import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api/client";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Problems (4xx) are answers, not glitches: do not retry them on a slow link.
      retry: (count, error) => !(error instanceof ApiError && error.problem.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});
