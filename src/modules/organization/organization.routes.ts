import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps';
import { organizationView } from './organization.schema';
import { getOrganization } from './organization.service';

export const organizationRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/organization',
      {
        schema: {
          summary: 'The organization: name, branding, regions and the payment methods it accepts',
          tags: ['organization'],
          security: [],
          response: { 200: organizationView },
        },
      },
      async () => getOrganization(deps.config),
    );
  };
