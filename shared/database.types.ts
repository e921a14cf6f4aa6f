export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      conversations: {
        Row: {
          agent_id: string | null
          created_at: string
          id: string
          last_message_at: string | null
          metadata: NonNullable<Json>
          run_id: string | null
          started_at: string
          title: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          agent_id?: string | null
          created_at?: string
          id?: string
          last_message_at?: string | null
          metadata?: NonNullable<Json>
          run_id?: string | null
          started_at?: string
          title?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          agent_id?: string | null
          created_at?: string
          id?: string
          last_message_at?: string | null
          metadata?: NonNullable<Json>
          run_id?: string | null
          started_at?: string
          title?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      maintenance_jobs: {
        Row: {
          command: string
          enabled: boolean
          job_name: string
          schedule: string
          updated_at: string
        }
        Insert: {
          command: string
          enabled?: boolean
          job_name: string
          schedule: string
          updated_at?: string
        }
        Update: {
          command?: string
          enabled?: boolean
          job_name?: string
          schedule?: string
          updated_at?: string
        }
        Relationships: []
      }
      memory_access: {
        Row: {
          access_count: number
          last_accessed_at: string
          memory_id: string
          user_id: string
        }
        Insert: {
          access_count?: number
          last_accessed_at?: string
          memory_id: string
          user_id: string
        }
        Update: {
          access_count?: number
          last_accessed_at?: string
          memory_id?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "memory_access_memory_fkey"
            columns: ["memory_id", "user_id"]
            referencedRelation: "user_memories"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      memory_access_log: {
        Row: {
          accessed_at: string
          id: string
          memory_id: string
          user_id: string
        }
        Insert: {
          accessed_at?: string
          id?: string
          memory_id: string
          user_id: string
        }
        Update: {
          accessed_at?: string
          id?: string
          memory_id?: string
          user_id?: string
        }
        Relationships: []
      }
      memory_idempotency_keys: {
        Row: {
          created_at: string
          idempotency_key: string
          memory_id: string
          related: NonNullable<Json>
          relation: string | null
          sighting_id: string | null
          status: string
          user_id: string
          version: number
        }
        Insert: {
          created_at?: string
          idempotency_key: string
          memory_id: string
          related?: NonNullable<Json>
          relation?: string | null
          sighting_id?: string | null
          status: string
          user_id: string
          version: number
        }
        Update: {
          created_at?: string
          idempotency_key?: string
          memory_id?: string
          related?: NonNullable<Json>
          relation?: string | null
          sighting_id?: string | null
          status?: string
          user_id?: string
          version?: number
        }
        Relationships: [
          {
            foreignKeyName: "memory_idempotency_keys_memory_fkey"
            columns: ["memory_id", "user_id"]
            referencedRelation: "user_memories"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      memory_model_settings: {
        Row: {
          calibration: Json | null
          duplicate_threshold: number
          embedding_model: string
          relevance_floor: number
          updated_at: string
        }
        Insert: {
          calibration?: Json | null
          duplicate_threshold: number
          embedding_model: string
          relevance_floor: number
          updated_at?: string
        }
        Update: {
          calibration?: Json | null
          duplicate_threshold?: number
          embedding_model?: string
          relevance_floor?: number
          updated_at?: string
        }
        Relationships: []
      }
      memory_settings: {
        Row: {
          default_quota: number
          duplicate_threshold: number
          id: boolean
          own_index_threshold: number
          updated_at: string
        }
        Insert: {
          default_quota?: number
          duplicate_threshold?: number
          id?: boolean
          own_index_threshold?: number
          updated_at?: string
        }
        Update: {
          default_quota?: number
          duplicate_threshold?: number
          id?: boolean
          own_index_threshold?: number
          updated_at?: string
        }
        Relationships: []
      }
      memory_sightings: {
        Row: {
          agent_id: string | null
          category: string | null
          confidence_score: number
          embedding: string | null
          embedding_model: string | null
          expires_at: string | null
          fact: string
          id: string
          idempotency_key: string | null
          importance_score: number
          memory_id: string
          memory_type: string
          merged_memory_id: string | null
          metadata: NonNullable<Json>
          observed_at: string | null
          origin: string
          run_id: string | null
          seen_at: string
          similarity: number | null
          source_conversation_id: string | null
          unmerged_at: string | null
          unmerged_memory_id: string | null
          user_id: string
        }
        Insert: {
          agent_id?: string | null
          category?: string | null
          confidence_score: number
          embedding?: string | null
          embedding_model?: string | null
          expires_at?: string | null
          fact: string
          id?: string
          idempotency_key?: string | null
          importance_score: number
          memory_id: string
          memory_type: string
          merged_memory_id?: string | null
          metadata?: NonNullable<Json>
          observed_at?: string | null
          origin: string
          run_id?: string | null
          seen_at?: string
          similarity?: number | null
          source_conversation_id?: string | null
          unmerged_at?: string | null
          unmerged_memory_id?: string | null
          user_id: string
        }
        Update: {
          agent_id?: string | null
          category?: string | null
          confidence_score?: number
          embedding?: string | null
          embedding_model?: string | null
          expires_at?: string | null
          fact?: string
          id?: string
          idempotency_key?: string | null
          importance_score?: number
          memory_id?: string
          memory_type?: string
          merged_memory_id?: string | null
          metadata?: NonNullable<Json>
          observed_at?: string | null
          origin?: string
          run_id?: string | null
          seen_at?: string
          similarity?: number | null
          source_conversation_id?: string | null
          unmerged_at?: string | null
          unmerged_memory_id?: string | null
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "memory_sightings_memory_fkey"
            columns: ["memory_id", "user_id"]
            referencedRelation: "user_memories"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "memory_sightings_merged_memory_fkey"
            columns: ["merged_memory_id", "user_id"]
            referencedRelation: "user_memories"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "memory_sightings_source_conversation_fkey"
            columns: ["source_conversation_id", "user_id"]
            referencedRelation: "conversations"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "memory_sightings_unmerged_memory_fkey"
            columns: ["unmerged_memory_id", "user_id"]
            referencedRelation: "user_memories"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      memory_user_stats: {
        Row: {
          active_count: number
          inactive_count: number
          last_deduplicated_at: string | null
          last_stored_at: string | null
          quota_limit: number | null
          sighting_count: number
          updated_at: string
          user_id: string
        }
        Insert: {
          active_count?: number
          inactive_count?: number
          last_deduplicated_at?: string | null
          last_stored_at?: string | null
          quota_limit?: number | null
          sighting_count?: number
          updated_at?: string
          user_id: string
        }
        Update: {
          active_count?: number
          inactive_count?: number
          last_deduplicated_at?: string | null
          last_stored_at?: string | null
          quota_limit?: number | null
          sighting_count?: number
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      user_memories: {
        Row: {
          agent_id: string | null
          category: string | null
          confidence_score: number
          created_at: string
          duplicate_of: string | null
          embedding: string | null
          embedding_bits: unknown
          embedding_model: string | null
          expires_at: string | null
          fact: string
          fact_words: string[] | null
          fts: unknown
          id: string
          importance_score: number
          is_active: boolean
          last_accessed_at: string | null
          memory_type: string
          metadata: NonNullable<Json>
          observed_at: string | null
          previous_version_id: string | null
          run_id: string | null
          source_conversation_id: string | null
          updated_at: string
          user_id: string
          version: number
        }
        Insert: {
          agent_id?: string | null
          category?: string | null
          confidence_score?: number
          created_at?: string
          duplicate_of?: string | null
          embedding?: string | null
          embedding_bits?: never
          embedding_model?: string | null
          expires_at?: string | null
          fact: string
          fact_words?: never
          fts?: never
          id?: string
          importance_score?: number
          is_active?: boolean
          last_accessed_at?: string | null
          memory_type: string
          metadata?: NonNullable<Json>
          observed_at?: string | null
          previous_version_id?: string | null
          run_id?: string | null
          source_conversation_id?: string | null
          updated_at?: string
          user_id: string
          version?: number
        }
        Update: {
          agent_id?: string | null
          category?: string | null
          confidence_score?: number
          created_at?: string
          duplicate_of?: string | null
          embedding?: string | null
          embedding_bits?: never
          embedding_model?: string | null
          expires_at?: string | null
          fact?: string
          fact_words?: never
          fts?: never
          id?: string
          importance_score?: number
          is_active?: boolean
          last_accessed_at?: string | null
          memory_type?: string
          metadata?: NonNullable<Json>
          observed_at?: string | null
          previous_version_id?: string | null
          run_id?: string | null
          source_conversation_id?: string | null
          updated_at?: string
          user_id?: string
          version?: number
        }
        Relationships: [
          {
            foreignKeyName: "user_memories_duplicate_of_fkey"
            columns: ["duplicate_of", "user_id"]
            referencedRelation: "user_memories"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "user_memories_previous_version_fkey"
            columns: ["previous_version_id", "user_id"]
            referencedRelation: "user_memories"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "user_memories_source_conversation_fkey"
            columns: ["source_conversation_id", "user_id"]
            referencedRelation: "conversations"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      cleanup_old_memories: {
        Args: { batch_size?: number; days_old?: number }
        Returns: number
      }
      deduplicate_all_memories: {
        Args: { batch_size?: number }
        Returns: {
          duplicates_found: number
          duplicates_removed: number
          users: number
        }[]
      }
      deduplicate_memories: {
        Args: { threshold?: number; user_id?: string }
        Returns: {
          duplicates_found: number
          duplicates_removed: number
        }[]
      }
      embedding_dimensions: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      erase_memories: {
        Args: {
          agent_id?: string
          confirm: string
          run_id?: string
          user_id?: string
        }
        Returns: number
      }
      erase_user_data: {
        Args: { target_user: string }
        Returns: {
          rows_deleted: number
          table_name: string
        }[]
      }
      expire_memories: { Args: { batch_size?: number }; Returns: number }
      export_user_data: {
        Args: { agent_id?: string; run_id?: string; user_id?: string }
        Returns: Json
      }
      fact_key: { Args: { fact: string }; Returns: string }
      fact_relation: {
        Args: { known: string; said: string }
        Returns: {
          reason: string
          relation: string
        }[]
      }
      fact_value_difference: { Args: { a: string; b: string }; Returns: string }
      fact_words: { Args: { fact: string }; Returns: string[] }
      find_duplicate_memories: {
        Args: {
          agent_id?: string
          embedding?: string
          embedding_model?: string
          fact: string
          run_id?: string
          threshold?: number
          user_id: string
        }
        Returns: {
          cosine: number
          existing_fact: string
          id: string
          is_duplicate: boolean
          jaccard: number
          similarity: number
          value_difference: string
        }[]
      }
      fold_memory_access: { Args: { batch_size?: number }; Returns: number }
      forget_memories: {
        Args: { agent_id?: string; run_id?: string; user_id?: string }
        Returns: number
      }
      forget_memory: {
        Args: { memory_id: string; user_id?: string }
        Returns: {
          id: string
          status: string
          version: number
        }[]
      }
      get_memory: {
        Args: { memory_id: string; user_id?: string }
        Returns: {
          agent_id: string
          category: string
          confidence_score: number
          created_at: string
          embedding_model: string
          expires_at: string
          fact: string
          has_embedding: boolean
          id: string
          importance_score: number
          last_accessed_at: string
          memory_type: string
          metadata: Json
          observed_at: string
          run_id: string
          source_conversation_id: string
          updated_at: string
          version: number
        }[]
      }
      get_memory_overview: {
        Args: Record<PropertyKey, never>
        Returns: {
          active: number
          inactive: number
          last_stored_at: string
          quota: number
          quota_used_ratio: number
          sightings: number
          user_id: string
        }[]
      }
      get_memory_stats: { Args: { user_id?: string }; Returns: Json }
      import_user_data: {
        Args: { document: Json; user_id?: string }
        Returns: {
          already_present: number
          ids: Json
          imported: number
          merged: number
          table_name: string
        }[]
      }
      jaccard: { Args: { a: string[]; b: string[] }; Returns: number }
      list_memories: {
        Args: {
          agent_id?: string
          before_created_at?: string
          before_id?: string
          metadata_filter?: Json
          page_size?: number
          run_id?: string
          user_id?: string
        }
        Returns: {
          agent_id: string
          category: string
          confidence_score: number
          created_at: string
          embedding_model: string
          expires_at: string
          fact: string
          has_embedding: boolean
          id: string
          importance_score: number
          last_accessed_at: string
          memory_type: string
          metadata: Json
          observed_at: string
          run_id: string
          source_conversation_id: string
          updated_at: string
          version: number
        }[]
      }
      maintenance_job_health: {
        Args: Record<PropertyKey, never>
        Returns: {
          active: boolean
          failures_last_day: number
          job_name: string
          last_run_at: string
          last_status: string
          runs_last_day: number
          schedule: string
        }[]
      }
      mark_memory_duplicate: {
        Args: { memory_id: string; original_id: string }
        Returns: {
          duplicate_of: string
          id: string
          relinked: number
        }[]
      }
      match_memories: {
        Args: {
          agent_id?: string
          categories?: string[]
          created_after?: string
          created_before?: string
          embedding_model: string
          match_count?: number
          memory_types?: string[]
          metadata_filter?: Json
          min_importance?: number
          query_embedding: string
          run_id?: string
          user_id?: string
        }
        Returns: {
          id: string
          rank: number
          similarity: number
        }[]
      }
      memories_pending_embedding: {
        Args: { after_id?: string; batch_size?: number }
        Returns: {
          fact: string
          id: string
          user_id: string
        }[]
      }
      memory_history: {
        Args: { memory_id: string }
        Returns: {
          attached_to: string
          category: string
          confidence_score: number
          created_at: string
          duplicate_of: string
          fact: string
          id: string
          importance_score: number
          is_active: boolean
          kind: string
          memory_type: string
          merged_memory_id: string
          metadata: Json
          origin: string
          previous_version_id: string
          relation: string
          relation_reason: string
          similarity: number
          source_conversation_id: string
          unmerged_at: string
          unmerged_memory_id: string
          version: number
        }[]
      }
      memory_types: { Args: Record<PropertyKey, never>; Returns: string[] }
      normalize_fact: { Args: { fact: string }; Returns: string }
      own_index_changes: {
        Args: Record<PropertyKey, never>
        Returns: {
          action: string
          statement: string
          user_id: string
        }[]
      }
      schedule_maintenance: {
        Args: Record<PropertyKey, never>
        Returns: {
          job_name: string
          schedule: string
          scheduled: boolean
        }[]
      }
      search_memories: {
        Args: {
          agent_id?: string
          categories?: string[]
          created_after?: string
          created_before?: string
          embedding_model?: string
          match_count?: number
          memory_types?: string[]
          metadata_filter?: Json
          min_importance?: number
          min_similarity?: number
          query?: string
          query_embedding?: string
          run_id?: string
          touch?: boolean
          user_id?: string
        }
        Returns: {
          agent_id: string
          category: string
          confidence_score: number
          created_at: string
          fact: string
          id: string
          importance_score: number
          matched_by: string[]
          memory_type: string
          metadata: Json
          observed_at: string
          recency: number
          rrf_score: number
          run_id: string
          score: number
          source_conversation_id: string
          text_rank: number
          text_score: number
          updated_at: string
          vector_rank: number
          vector_similarity: number
        }[]
      }
      set_memory_embedding: {
        Args: {
          embedding: string
          embedding_model: string
          fact?: string
          memory_id: string
        }
        Returns: boolean
      }
      store_memories: {
        Args: { items: Json; user_id?: string }
        Returns: {
          id: string
          item: number
          related: Json
          relation: string
          sighting_id: string
          status: string
          version: number
        }[]
      }
      store_memory: {
        Args: {
          agent_id?: string
          category?: string
          confidence_score?: number
          duplicate_threshold?: number
          embedding?: string
          embedding_model?: string
          expires_at?: string
          fact: string
          idempotency_key?: string
          importance_score?: number
          memory_type?: string
          metadata?: Json
          observed_at?: string
          on_conflict?: string
          run_id?: string
          source_conversation_id?: string
          user_id?: string
        }
        Returns: {
          id: string
          related: Json
          relation: string
          sighting_id: string
          status: string
          version: number
        }[]
      }
      unmerge_memory: {
        Args: { merged_id: string; user_id?: string }
        Returns: {
          id: string
          merged_into: string
          sighting_id: string
          status: string
          version: number
        }[]
      }
      update_memory: {
        Args: {
          category?: string
          confidence_score?: number
          embedding?: string
          embedding_model?: string
          expires_at?: string
          fact?: string
          importance_score?: number
          memory_id: string
          memory_type?: string
          metadata?: Json
          user_id?: string
        }
        Returns: {
          id: string
          status: string
          version: number
        }[]
      }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {},
  },
} as const

