// The vaardig API for TypeScript over gRPC-Web, made with Connect: typed clients of every service
// (generated from proto/ by protoc-gen-es into src/gen) and a few helpers the course finder uses.
//
//   const vaardig = createVaardig("http://127.0.0.1:50051");
//   const { suggestions } = await vaardig.search.suggest({ prefix: "verpl", limit: 8 });
//
// The server speaks gRPC-Web on its gRPC port; a page on another origin must be listed in the
// server's `web.cors_allowed_origins`.
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";

import { ConceptService } from "./gen/vaardig/v1/concepts_pb.js";
import { CourseService } from "./gen/vaardig/v1/courses_pb.js";
import { FundingService } from "./gen/vaardig/v1/funding_pb.js";
import { MatchingService } from "./gen/vaardig/v1/matching_pb.js";
import { PlanningService } from "./gen/vaardig/v1/planning_pb.js";
import { SearchService } from "./gen/vaardig/v1/search_pb.js";

export * from "./gen/vaardig/v1/concepts_pb.js";
export * from "./gen/vaardig/v1/courses_pb.js";
export * from "./gen/vaardig/v1/search_pb.js";

export interface Vaardig {
  concepts: Client<typeof ConceptService>;
  search: Client<typeof SearchService>;
  matching: Client<typeof MatchingService>;
  planning: Client<typeof PlanningService>;
  funding: Client<typeof FundingService>;
  courses: Client<typeof CourseService>;
}

/** Clients of every vaardig service at `baseUrl` (e.g. `http://127.0.0.1:50051`). */
export function createVaardig(baseUrl: string, apiKey?: string): Vaardig {
  const transport = createGrpcWebTransport({
    baseUrl,
    interceptors: apiKey
      ? [(next) => (request) => {
          request.header.set("authorization", `Bearer ${apiKey}`);
          return next(request);
        }]
      : [],
  });
  return {
    concepts: createClient(ConceptService, transport),
    search: createClient(SearchService, transport),
    matching: createClient(MatchingService, transport),
    planning: createClient(PlanningService, transport),
    funding: createClient(FundingService, transport),
    courses: createClient(CourseService, transport),
  };
}

/** Euro cents as Dutch money: `€ 1.234,50`. */
export function euro(cents: bigint | number): string {
  const value = Number(cents) / 100;
  return `€ ${value.toLocaleString("nl-NL", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
